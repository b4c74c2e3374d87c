
    with page_article as (
      select a.id, a.published_at from articles a
      where a.slug = ? and a.status = 'published' and a.published_at is not null
    ),
    parts as (
      select 0 as part, id from page_article
      union all select 2, (
        select r.id from articles r
        where r.status = 'published' and r.is_page = 0 and r.id <> a.id and r.published_at <= a.published_at
          and (r.published_at < a.published_at or (r.published_at = a.published_at and r.id < a.id))
        order by r.published_at desc, r.id desc limit 1) from page_article a
      union all select 3, (
        select r.id from articles r
        where r.status = 'published' and r.is_page = 0 and r.id <> a.id and r.published_at >= a.published_at
          and (r.published_at > a.published_at or (r.published_at = a.published_at and r.id > a.id))
        order by r.published_at asc, r.id asc limit 1) from page_article a
    )
    select p.part, s.id, s.title, s.slug, s.excerpt, s.status, s.published_at, s.created_at, s.updated_at, s.author_id, s.featured_media_id, s.comments_open, s.is_page, s.is_sticky, s.parent_id, s.page_path,
      case when p.part = 0 then s.body end as body,
      case when p.part = 0 then s.body_html end as body_html,
      case when p.part = 0 then s.version end as version,
      case when p.part = 0 then (
        select json_group_array(json_object('id', c.id, 'text', c.text, 'created_at', c.created_at) order by c.created_at, c.id)
        from (select id, text, created_at from article_corrections where article_id = s.id
          order by created_at, id limit 100) c
      ) end as corrections,
      case when p.part = 0 then (select json_group_array(json_object('id', c.id, 'article_id', c.article_id, 'parent_id', c.parent_id, 'user_id', c.user_id, 'status', c.status, 'name', c.name, 'url', c.url, 'body_html', c.body_html, 'created_at', c.created_at) order by c.created_at, c.id)
    from (select id, article_id, parent_id, user_id, status, name, url, body_html, created_at from comments
      where article_id = s.id and status = 'approved'
      order by created_at, id limit 1000) c) end as comments,
      json_array(
    (select json_group_array(json_array(c.id, c.name, c.slug) order by c.name)
      from article_categories ac join categories c on c.id = ac.category_id where ac.article_id = s.id),
    (select json_group_array(json_array(t.id, t.name, t.slug) order by t.name)
      from article_tags at join tags t on t.id = at.tag_id where at.article_id = s.id),
    (select json_group_array(json_array(so.url, so.name, so.original_author, so.original_published_at) order by so.position)
      from article_sources so where so.article_id = s.id),
    (select json_array(u.id, u.name, u.slug, u.bio) from users u where u.id = s.author_id),
    (select json_array(m.id, m.file_name, m.width, m.height, m.alt, m.source_url,
        m.mime_type, m.caption, m.credit, m.variant_hash)
      from media m where m.id = s.featured_media_id),
    (select count(*) from comments cm where cm.article_id = s.id and cm.status = 'approved')
  ) as extras
    from parts p join articles s on s.id = p.id
    order by p.part
-- ["storm"]
