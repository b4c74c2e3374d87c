select "stories".* from "stories" where "stories"."has_pending_coverage" = $1 and "stories"."status" = $2 order by "stories"."last_item_at" desc, "stories"."id" desc limit $3 offset $4
-- [1,"published",20,20]
