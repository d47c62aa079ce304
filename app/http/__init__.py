"""What the REST API and the pages share: request dependencies, the body cap, domain errors as HTTP answers, forms."""
