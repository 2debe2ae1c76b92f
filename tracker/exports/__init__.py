"""Published incidents in the formats consumers' tools read: Atom, JSON Feed, GeoJSON, CSV and
ClaimReview JSON-LD. Each takes the API's filters."""
