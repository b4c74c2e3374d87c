select "articles"."id", "articles"."title" from "articles" where "articles"."status" = ? and "articles"."is_page" = ? and exists (select "article_tags"."article_id" from "article_tags" where "article_tags"."article_id" = "articles"."id" and "article_tags"."tag_id" = ?) order by "articles"."published_at" desc, "articles"."id" desc limit ? offset ?
-- ["published",0,3,10,20]
