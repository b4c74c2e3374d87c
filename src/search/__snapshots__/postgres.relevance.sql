with candidates as materialized (
      select articles.id as id from article_search
      join articles on articles.id = article_search.article_id
      where article_search.search_vector @@ to_tsquery(broadsheet_search_config(), $1) and articles.status = 'published'
      order by articles.id desc
      limit $2
    )
    select articles.id as id
    from candidates
    join article_search on article_search.article_id = candidates.id
    join articles on articles.id = candidates.id
    order by ts_rank(article_search.search_vector, to_tsquery(broadsheet_search_config(), $3)) desc, articles.published_at desc nulls last,
      articles.id desc
    limit $4 offset $5
-- ["'flood' & ('city' <-> 'council') & 'elect':* & !'storm'",5000,"'flood' & ('city' <-> 'council') & 'elect':* & !'storm'",10,0]
