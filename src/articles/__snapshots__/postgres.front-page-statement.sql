
    with pinned as (
      select r.id, p.ord from unnest(string_to_array($1, ',')::int[]) with ordinality as p(id, ord)
      join articles r on r.id = p.id where r.status = 'published' and r.is_page = 0
    ),
    listed as (
      select r.id, row_number() over (order by r.published_at desc, r.id desc) as ord from articles r
      where r.status = 'published' and r.is_page = 0 and r.id not in (select id from pinned) order by r.published_at desc, r.id desc limit 10
    ),
    sticky as (
      select r.id from articles r
      where r.status = 'published' and r.is_page = 0 and r.is_sticky = 1 and r.id not in (select id from pinned) order by r.published_at desc, r.id desc limit 1
    ),
    shown as (
      select id from pinned union all select id from listed union all select id from sticky
    ),
    sections as (
      select section.ord, r.id, r.n
      from unnest(string_to_array($2, ',')::int[]) with ordinality as section(category_id, ord)
      cross join lateral (
        select r.id, row_number() over (order by r.published_at desc, r.id desc) as n from articles r
        where r.status = 'published' and r.is_page = 0 and r.id not in (select id from shown)
          and exists (select 1 from article_categories rc
            where rc.article_id = r.id and rc.category_id = section.category_id)
        order by r.published_at desc, r.id desc limit 4) r
    ),
    parts as (
      select 0::bigint as part, ord, id from listed
      union all select 1, 0, id from sticky
      union all select 2, ord, id from pinned
      union all select 3 + ord, n, id from sections
    )
    select p.part, s.id, s.title, s.slug, s.excerpt, s.status, s.published_at, s.created_at, s.updated_at, s.author_id, s.featured_media_id, s.comments_open, s.is_page, s.is_sticky, s.parent_id, s.page_path, null as body, null as body_html,
      json_build_array(
    (select coalesce(json_agg(json_build_array(c.id, c.name, c.slug) order by c.name), '[]'::json)
      from article_categories ac join categories c on c.id = ac.category_id where ac.article_id = s.id),
    (select coalesce(json_agg(json_build_array(t.id, t.name, t.slug) order by t.name), '[]'::json)
      from article_tags at join tags t on t.id = at.tag_id where at.article_id = s.id),
    (select coalesce(json_agg(json_build_array(so.url, so.name, so.original_author, so.original_published_at) order by so.position), '[]'::json)
      from article_sources so where so.article_id = s.id),
    (select json_build_array(u.id, u.name, u.slug, u.bio) from users u where u.id = s.author_id),
    (select json_build_array(m.id, m.file_name, m.width, m.height, m.alt, m.source_url,
        m.mime_type, m.caption, m.credit, m.variant_hash)
      from media m where m.id = s.featured_media_id),
    (select count(*) from comments cm where cm.article_id = s.id and cm.status = 'approved')
  ) as extras
    from parts p join articles s on s.id = p.id
    order by p.part, p.ord
-- ["7,5","1,2,3"]
