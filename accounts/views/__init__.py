"""Views of accounts: sign-in and MFA, role home pages, organizations and invitations."""
