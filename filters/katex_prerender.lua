--[[
katex_prerender.lua: renders the document's math with KaTeX at build time (issue 10).

Every Math element of an HTML document (a page or a reveal.js deck) is rendered by ONE node
process, scripts/katex_render.mjs (the katex package of node_modules, the version package-lock.json
pins), and replaced by the HTML KaTeX makes, wrapped as Pandoc's KaTeX output wraps it
(<span class="math inline|display">), so the CSS sees the same tree the browser's KaTeX made.
Pandoc then sees no math and Quarto includes no KaTeX script: no page runs KaTeX at load. A page
with math gets a <link> to vendor/katex/katex.min.css in its <head> (which names the fonts; Quarto
copies the CSS and the fonts into _site); a page without math loads nothing of KaTeX.

Options as the browser used them (Pandoc's KaTeX snippet): displayMode for display math,
throwOnError false, no macros, output htmlAndMathml (MathML for screen readers). A malformed
formula is shown as KaTeX's red error text and named in a warning; the render goes on. If node or
the katex package is missing the render fails and says so, rather than shipping raw TeX.

Registered for every document in _quarto.yml (`filters:`). Formats other than HTML keep their math.
]]

-- KaTeX's stylesheet, relative to the project's root (vendor/katex/, scripts/build_vendor.mjs).
local KATEX_CSS = "vendor/katex/katex.min.css"

-- Quarto replaces the global `error` with a function that only logs the message, and the render
-- went on; `assert` raises a real Lua error, which stops the render.
local function fail(message)
  assert(false, message)
end

local function script_path()
  if quarto and quarto.utils and quarto.utils.resolve_path then
    return quarto.utils.resolve_path("../scripts/katex_render.mjs")
  end
  local here = PANDOC_SCRIPT_FILE and PANDOC_SCRIPT_FILE:match("^(.*)[/\\]") or "."
  return here .. "/../scripts/katex_render.mjs"
end

local function is_html()
  if quarto and quarto.doc and quarto.doc.is_format then
    return quarto.doc.is_format("html")
  end
  return FORMAT:match("html") ~= nil or FORMAT == "revealjs"
end

local function key(math)
  return (math.mathtype == "DisplayMath" and "D" or "I") .. math.text
end

local function warn(message)
  if quarto and quarto.log and quarto.log.warning then
    quarto.log.warning(message)
  else
    io.stderr:write("WARNING: " .. message .. "\n")
  end
end

function Pandoc(doc)
  if not is_html() then
    return nil
  end
  -- Every distinct formula once, in document order.
  local formulas, index = {}, {}
  doc:walk({
    Math = function(math)
      local k = key(math)
      if not index[k] then
        formulas[#formulas + 1] = { tex = math.text, display = math.mathtype == "DisplayMath" }
        index[k] = #formulas
      end
    end,
  })
  if #formulas == 0 then
    return nil
  end

  local script = script_path()
  local ok, output = pcall(pandoc.pipe, "node", { script }, pandoc.json.encode(formulas))
  if not ok then
    fail(
      "katex_prerender.lua: could not render the math with `node "
        .. script
        .. "` (is Node.js on PATH and are the npm packages installed? run `npm ci` in the project): "
        .. tostring(output)
    )
  end
  local decoded_ok, rendered = pcall(pandoc.json.decode, output, false)
  if not decoded_ok or type(rendered) ~= "table" or #rendered ~= #formulas then
    fail("katex_prerender.lua: scripts/katex_render.mjs returned " .. tostring(output):sub(1, 200))
  end
  for i, html in ipairs(rendered) do
    if html:find('class="katex-error"', 1, true) then
      local title = html:match('title="([^"]*)"') or "malformed formula"
      title = title:gsub("&#x27;", "'"):gsub("&quot;", '"'):gsub("&lt;", "<"):gsub("&gt;", ">"):gsub("&amp;", "&")
      warn("KaTeX could not render $" .. formulas[i].tex .. "$ (it is shown as an error on the page): " .. title)
    end
  end

  -- KaTeX's stylesheet (which names the fonts), on the pages with math only, where the
  -- browser's KaTeX had it: after the page's own css.
  if quarto and quarto.doc and quarto.doc.include_text then
    local offset = (quarto.project and quarto.project.offset) or "."
    quarto.doc.include_text("in-header", '<link rel="stylesheet" href="' .. offset .. "/" .. KATEX_CSS .. '">')
  end

  return doc:walk({
    Math = function(math)
      local class = math.mathtype == "DisplayMath" and "math display" or "math inline"
      local html = rendered[index[key(math)]]
      return pandoc.RawInline("html", '<span class="' .. class .. '">' .. html .. "</span>")
    end,
  })
end
