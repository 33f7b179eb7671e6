"""Page objects: what one page of a site gives, read from its (url, html) alone."""
