"""Employer organisations: members, invitations, sponsorship codes, consent and team skills."""
