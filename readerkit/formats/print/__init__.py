"""The print edition: print HTML, layout units, pagination, the page map and the PDF."""
