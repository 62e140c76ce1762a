"""The one error the backup and restore code raises for an operator to read."""


class BackupError(Exception):
    """A refusal or failure with a Dutch message that says what is wrong and, where
    possible, what to do. Raised before anything is written unless the message
    says otherwise."""
