"""The pages where key workers record consent, holding agencies answer sharing requests, admins keep
information sharing agreements, permitted users break glass and IG officers review (security.md)."""
