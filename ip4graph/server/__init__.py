"""``ip4graph serve``: a SPARQL 1.1 endpoint with entity pages and a web query editor.

>>> from ip4graph.server import EndpointConfig
>>> EndpointConfig().host
'127.0.0.1'

See :mod:`ip4graph.server.app` for the routes and status codes, :mod:`ip4graph.server.guard`
for what an open endpoint refuses, and :mod:`ip4graph.server.pages` for the IRI mapping.
"""

from .app import TRUNCATED_HEADER, Endpoint, EndpointConfig, EndpointServer, Response, make_server, serve_in_thread
from .guard import Refused

__all__ = ["TRUNCATED_HEADER", "Endpoint", "EndpointConfig", "EndpointServer", "Refused", "Response",
           "make_server", "serve_in_thread"]
