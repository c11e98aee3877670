"""The landing page each role sees after sign-in, and the health check."""
