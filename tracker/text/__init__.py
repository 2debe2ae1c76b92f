"""Text as every part of the tracker reads it, written once: HTML made safe or reduced to plain
text (html), the language of a text (language), the normal forms identity depends on
(normalise) and a file's bytes read as a document (documents). Pure: no database, no Django."""
