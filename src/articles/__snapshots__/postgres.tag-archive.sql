select "articles"."id", "articles"."title" from "articles" where "articles"."status" = $1 and "articles"."is_page" = $2 and exists (select "article_tags"."article_id" from "article_tags" where "article_tags"."article_id" = "articles"."id" and "article_tags"."tag_id" = $3) order by "articles"."published_at" desc, "articles"."id" desc limit $4 offset $5
-- ["published",0,3,10,20]
