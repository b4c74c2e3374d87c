select "stories".* from "stories" where "stories"."status" = $1 and exists (select "feed_items"."id" from "feed_items" inner join "sources" on "sources"."id" = "feed_items"."source_id" where "feed_items"."story_id" = "stories"."id" and "sources"."category_id" = $2) order by "stories"."last_item_at" desc, "stories"."id" desc limit $3 offset $4
-- ["published",2,20,20]
