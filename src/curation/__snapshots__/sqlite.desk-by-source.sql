select "stories".* from "stories" where "stories"."status" = ? and exists (select "feed_items"."id" from "feed_items" where "feed_items"."story_id" = "stories"."id" and "feed_items"."source_id" = ?) order by "stories"."last_item_at" desc, "stories"."id" desc limit ? offset ?
-- ["new",4,20,20]
