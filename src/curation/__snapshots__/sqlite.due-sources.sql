select "id" from "sources" where "is_enabled" = ? and "next_fetch_at" <= ? order by "next_fetch_at" limit ?
-- [1,"2026-05-22T10:00:00.000Z",100]
