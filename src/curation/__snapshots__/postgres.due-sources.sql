select "id" from "sources" where "is_enabled" = $1 and "next_fetch_at" <= $2 order by "next_fetch_at" limit $3
-- [1,"2026-05-22T10:00:00.000Z",100]
