select "stories".* from "stories" where "stories"."status" = $1 order by "stories"."last_item_at" desc, "stories"."id" desc limit $2 offset $3
-- ["new",20,20]
