"""Agencies, users and roles; sign-in and sign-out; the route access declarations."""
