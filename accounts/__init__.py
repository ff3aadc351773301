"""Users, organizations, memberships and roles, invitations, lockout and multi-factor sign-in."""
