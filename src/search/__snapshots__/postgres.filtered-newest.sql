select articles.id as id from article_search
      join articles on articles.id = article_search.article_id
      where article_search.search_vector @@ to_tsquery(broadsheet_search_config(), $1) and articles.status = 'published' and exists (select 1 from article_categories where article_categories.article_id = articles.id and article_categories.category_id = $2) and articles.published_at >= $3 and articles.published_at < $4
      order by articles.published_at desc nulls last, articles.id desc
      limit $5 offset $6
-- ["'flood' & ('city' <-> 'council') & 'elect':* & !'storm'",4,"2026-01-01T00:00:00.000Z","2026-02-01T00:00:00.000Z",10,20]
