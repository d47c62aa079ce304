"""What every process shares: settings, the database and its tables, the upload store, token buckets, domain errors."""
