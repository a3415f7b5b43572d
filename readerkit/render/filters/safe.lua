-- Content is data: nothing in an editor's Markdown may pull in remote or local resources,
-- run script, or smuggle raw markup into the book. Reading already disables raw HTML/TeX;
-- this filter removes what Markdown itself can still express.

-- Links may go to the web (http, https), to an e-mail address, or to an anchor in the book
-- (#p-source-3). Anything else (javascript:, data:, file:, relative paths that could lead
-- out of the project) keeps its text and loses the link.
local function is_safe_url(url)
  -- Browsers ignore tabs, newlines and other control characters inside a scheme.
  local squeezed = url:gsub("[%c%s]", ""):lower()
  if squeezed:match("^#") then
    return true
  end
  return squeezed:match("^https?://") ~= nil or squeezed:match("^mailto:") ~= nil
end

function Image(img)
  -- Never an <img> from here: an inert marker holding the alt text, which render/images.py
  -- checks (a file of the project's images folders, with alt text) and makes a figure.
  return pandoc.Span(img.caption, {["data-image-src"] = img.src,
                                   ["data-image-title"] = img.title})
end

function Link(link)
  if not is_safe_url(link.target) then
    return link.content
  end
  -- Attributes such as onclick cannot be written in Markdown, but {key=value} can: drop them.
  link.attributes = {}
  return link
end

local function strip_attributes(el)
  local kept = {}
  for k, v in pairs(el.attributes) do
    if k:match("^data%-") and not k:match("^data%-on") then
      kept[k] = v
    end
  end
  el.attributes = kept
  return el
end

Span = strip_attributes
Div = strip_attributes
Code = strip_attributes
CodeBlock = strip_attributes
Header = strip_attributes
Table = strip_attributes
Figure = strip_attributes

function RawBlock(_) return {} end
function RawInline(_) return {} end
