"""People with accounts: their passwords, their accounts, their sessions.

- passwords: argon2id hashes and the rules a new password meets
- accounts: creating, changing, disabling and resetting accounts (the admin's), a person's own
  password change
- sessions: signing in and out, failed sign-ins and locks, who a session is
- rules: the settings these follow (set from the app's settings when it is made)
"""
