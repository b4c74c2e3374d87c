select "articles"."id", "articles"."title" from "articles" where "articles"."status" = $1 and "articles"."is_page" = $2 and "articles"."published_at" >= $3 and "articles"."published_at" < $4 order by "articles"."published_at" desc, "articles"."id" desc limit $5 offset $6
-- ["published",0,"2022-05-01T00:00:00.000Z","2022-06-01T00:00:00.000Z",10,20]
