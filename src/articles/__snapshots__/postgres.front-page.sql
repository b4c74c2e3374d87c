select "articles"."id", "articles"."title" from "articles" where "articles"."status" = $1 and "articles"."is_page" = $2 order by "articles"."published_at" desc, "articles"."id" desc limit $3 offset $4
-- ["published",0,10,20]
