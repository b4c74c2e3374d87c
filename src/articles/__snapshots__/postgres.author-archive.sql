select "articles"."id", "articles"."title" from "articles" where "articles"."status" = $1 and "articles"."is_page" = $2 and "articles"."author_id" = $3 order by "articles"."published_at" desc, "articles"."id" desc limit $4 offset $5
-- ["published",0,2,10,20]
