"""Reports: queries that turn the database into plain, frozen data for documents."""
