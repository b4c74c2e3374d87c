select "articles"."id", "articles"."title" from "articles" where "articles"."status" = ? and "articles"."is_page" = ? order by "articles"."published_at" desc, "articles"."id" desc limit ? offset ?
-- ["published",0,10,20]
