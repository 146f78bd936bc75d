"""Per-tenant branding of the hosted pages: colors, logo, font, page template, prompt texts."""
