"""What the doors that answer HTTP share (API, pages, exports): cache headers, problem+json
error documents, JSON bytes, streamed CSV, and the representations more than one door serves
(ledger tables, ClaimReview JSON-LD). Above selectors and services, below the doors, beside
forms and templatetags; it imports no door."""
