-- Rows per table of the public schema, one "table<TAB>count" a line: scripts/backup.sh records them with the
-- dump, scripts/restore.sh compares the restored database with them.
SELECT table_name || E'\t' || (xpath('/row/n/text()',
       query_to_xml(format('SELECT count(*) AS n FROM %I.%I', table_schema, table_name), false, true, '')))[1]::text
  FROM information_schema.tables
 WHERE table_schema = 'public' AND table_type = 'BASE TABLE'
 ORDER BY table_name;
