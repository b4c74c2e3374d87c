select "stories".* from "stories" where "stories"."status" = ? order by "stories"."last_item_at" desc, "stories"."id" desc limit ? offset ?
-- ["new",20,20]
