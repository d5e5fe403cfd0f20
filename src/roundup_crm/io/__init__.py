"""Getting data in and out: spreadsheet imports, JSON backups, contact exports, calendars."""
