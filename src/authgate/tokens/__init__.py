"""Authorization codes and refresh tokens: the single-use and long-lived grants Authgate keeps."""
