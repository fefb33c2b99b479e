--[[
drop_hidden_cell_source.lua: leaves out the highlighted copy of an {ojs} cell's code when the
cell does not show it (`echo: false`), issue 10.

Quarto writes every {ojs} cell's source twice into the page: once in the script the OJS runtime
runs (`ojs-module-contents`), and once as a syntax-highlighted code block with the class `hidden`.
The hidden copy is there only so that the runtime can point at the line of a failed cell, which it
does by un-hiding the code on the slide. In a deck shown in a lecture hall that is not wanted: a
failing cell shows its error message, and the deck's cells catch bad input themselves. The copies
cost the deck 62 code blocks (about 60 kB, a sixth of the page) that the browser parses and the
runtime walks at every load. Quarto's runtime expects a cell without echoed source ("source isn't
echoed to HTML") and then only skips the pointing.

Registered for every document in _quarto.yml (`filters:`). A cell with `echo: true` keeps its code.
]]

local function is_hidden_cell_code(el)
  return el.classes:includes("cell-code") and el.classes:includes("hidden")
end

return {
  {
    CodeBlock = function(block)
      if is_hidden_cell_code(block) then
        return {}
      end
    end,
  },
}
