select "articles"."id", "articles"."title" from "articles" where "articles"."status" = ? and "articles"."is_page" = ? and "articles"."author_id" = ? order by "articles"."published_at" desc, "articles"."id" desc limit ? offset ?
-- ["published",0,2,10,20]
