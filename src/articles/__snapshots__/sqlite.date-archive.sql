select "articles"."id", "articles"."title" from "articles" where "articles"."status" = ? and "articles"."is_page" = ? and "articles"."published_at" >= ? and "articles"."published_at" < ? order by "articles"."published_at" desc, "articles"."id" desc limit ? offset ?
-- ["published",0,"2022-05-01T00:00:00.000Z","2022-06-01T00:00:00.000Z",10,20]
