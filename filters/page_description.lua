-- A deck's `description` as <meta name="description"> in its <head>: Quarto writes one for its
-- html pages but not for reveal.js decks, and search engines (and Lighthouse's SEO audit, issue
-- 26) read the page's summary from it.
function Meta(meta)
  if not quarto.doc.is_format("revealjs") or meta.description == nil then
    return nil
  end
  local text = pandoc.utils.stringify(meta.description)
  local escaped = text:gsub("&", "&amp;"):gsub('"', "&quot;"):gsub("<", "&lt;"):gsub(">", "&gt;")
  quarto.doc.include_text("in-header", '<meta name="description" content="' .. escaped .. '">')
  return nil
end
