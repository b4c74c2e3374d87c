select "stories".* from "stories" where "stories"."has_pending_coverage" = ? and "stories"."status" = ? order by "stories"."last_item_at" desc, "stories"."id" desc limit ? offset ?
-- [1,"published",20,20]
