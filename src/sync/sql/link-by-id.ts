/**
 * The link of each id of `page(external_id)` on connection $1 and object $2, one unique-index probe
 * per id. Not `external_id = ANY($3)`: until the links are analyzed (a first sync outruns
 * autovacuum) the planner expects (connection, object) to match one row, probes the index on
 * those two columns only and filters every link of the object for every page; the LIMIT keeps
 * the lookup a per-id probe on all three columns whatever the statistics say (measured at
 * 20,000 links: 14 ms → under 1 ms a page).
 */
export const LINK_BY_ID = `CROSS JOIN LATERAL (
  SELECT * FROM external_link l WHERE l.connection_id = $1 AND l.external_object = $2 AND l.external_id = page.external_id LIMIT 1) l`;
