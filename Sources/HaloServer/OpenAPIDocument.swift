/// The OpenAPI 3.1 description of the HTTP API, served at `GET /v1/openapi.json`.
/// A test checks that its paths are exactly the routes the server answers.
public enum OpenAPIDocument {
    /// The document, JSON.
    public static let json = #"""
{
  "openapi": "3.1.0",
  "info": {
    "title": "halo Sentinel HTTP API",
    "version": "1.0.0",
    "description": "Served by `halo run --http ADDR`: probes, Unit state, decisions and signals from the journal, the decision-log stream, event submission (Bearer token from --http-token-file), Prometheus metrics and the dashboard. Amounts are exact decimal strings."
  },
  "paths": {
    "/healthz": {"get": {"summary": "The process is up.", "responses": {"200": {"description": "ok", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Status"}}}}}}},
    "/readyz": {"get": {"summary": "Journal open, recovery done, every policy loaded.", "responses": {
      "200": {"description": "ready", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Status"}}}},
      "503": {"description": "not ready, with the reason", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Status"}}}}}}},
    "/v1/status": {"get": {"summary": "The Halo: name, revision, Sentinel clock, event counters, journal sequence.", "responses": {"200": {"description": "status", "content": {"application/json": {"schema": {"type": "object"}}}}}}},
    "/v1/units": {"get": {"summary": "Every Unit, keyed by name: the `halo state --json` shape plus rate_limit_headroom, last_report, active_signals, flag_reasons and policy.", "responses": {"200": {"description": "units", "content": {"application/json": {"schema": {"type": "object", "additionalProperties": {"$ref": "#/components/schemas/Unit"}}}}}}}},
    "/v1/units/{unit}": {"get": {"summary": "One Unit.", "parameters": [{"$ref": "#/components/parameters/unit"}], "responses": {
      "200": {"description": "the Unit", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Unit"}}}},
      "404": {"description": "unknown unit", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}}}},
    "/v1/units/{unit}/series": {"get": {"summary": "The Unit's recent time series (exchange rate, queue backlogs) for charts.", "parameters": [{"$ref": "#/components/parameters/unit"}], "responses": {
      "200": {"description": "points, oldest first", "content": {"application/json": {"schema": {"type": "object"}}}},
      "404": {"description": "unknown unit", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}}}},
    "/v1/decisions": {"get": {"summary": "Hook calls from the journal (each call's results, amounts as exact decimal strings), paged by journal sequence.", "parameters": [{"$ref": "#/components/parameters/unitQuery"}, {"$ref": "#/components/parameters/since"}, {"$ref": "#/components/parameters/limit"}], "responses": {
      "200": {"description": "a page", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Page"}}}},
      "400": {"description": "bad query", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}}}},
    "/v1/signals": {"get": {"summary": "Signals from the journal (the signals hook's results; POLICY_FAILURE for failed hooks), paged.", "parameters": [{"$ref": "#/components/parameters/unitQuery"}, {"$ref": "#/components/parameters/since"}, {"$ref": "#/components/parameters/limit"}], "responses": {
      "200": {"description": "a page", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Page"}}}},
      "400": {"description": "bad query", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}}}},
    "/v1/events/stream": {"get": {"summary": "Server-sent events: the last 200 decision-log lines (event: decision), then event: caught-up, then each line as its batch commits.", "responses": {"200": {"description": "stream", "content": {"text/event-stream": {"schema": {"type": "string"}}}}}}},
    "/v1/events": {"post": {"summary": "Submit events, one JSON object per line, exactly as `halo submit`.", "security": [{"bearer": []}],
      "requestBody": {"required": true, "content": {"application/x-ndjson": {"schema": {"type": "string"}}, "application/json": {"schema": {"type": "object"}}}},
      "responses": {
        "202": {"description": "queued in the journal's inbox", "content": {"application/json": {"schema": {"type": "object", "properties": {"accepted": {"type": "array", "items": {"type": "string"}}}}}}},
        "400": {"description": "malformed event, with its error code", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}},
        "401": {"description": "no or wrong Bearer token", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}},
        "413": {"description": "body over the size limit (1 MiB)", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}}}},
    "/metrics": {"get": {"summary": "Prometheus text format.", "responses": {"200": {"description": "metrics", "content": {"text/plain": {"schema": {"type": "string"}}}}}}},
    "/v1/openapi.json": {"get": {"summary": "This document.", "responses": {"200": {"description": "OpenAPI", "content": {"application/json": {"schema": {"type": "object"}}}}}}},
    "/": {"get": {"summary": "The dashboard (one self-contained HTML page).", "responses": {"200": {"description": "HTML", "content": {"text/html": {"schema": {"type": "string"}}}}}}}
  },
  "components": {
    "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
    "parameters": {
      "unit": {"name": "unit", "in": "path", "required": true, "schema": {"type": "string"}},
      "unitQuery": {"name": "unit", "in": "query", "required": false, "schema": {"type": "string"}},
      "since": {"name": "since", "in": "query", "required": false, "description": "journal sequence to start after (the previous page's next)", "schema": {"type": "integer", "minimum": 0}},
      "limit": {"name": "limit", "in": "query", "required": false, "schema": {"type": "integer", "minimum": 1, "maximum": 1000, "default": 100}}
    },
    "schemas": {
      "Status": {"type": "object", "required": ["status"], "properties": {"status": {"type": "string"}, "reason": {"type": "string"}}},
      "Error": {"type": "object", "required": ["error"], "properties": {"error": {"type": "object", "required": ["code", "message"], "properties": {"code": {"type": "string"}, "message": {"type": "string"}}}}},
      "Page": {"type": "object", "required": ["items", "next"], "properties": {"items": {"type": "array", "items": {"type": "object"}}, "next": {"type": ["integer", "null"]}}},
      "Unit": {"type": "object", "required": ["time", "exchange_rate", "queues", "rate_limits", "flags", "unit", "rate_limit_headroom", "last_report", "active_signals", "flag_reasons", "policy"],
        "properties": {
          "time": {"type": "string"}, "exchange_rate": {"type": "string"}, "accounts": {"type": "object"}, "queues": {"type": "object"},
          "rate_limits": {"type": "object"}, "unit_accounts": {"type": "object"}, "flags": {"type": "object"}, "state": {},
          "unit": {"type": "string"}, "rate_limit_headroom": {"type": "object"}, "last_report": {"type": ["object", "null"]},
          "active_signals": {"type": "array", "items": {"type": "object"}}, "flag_reasons": {"type": "object"},
          "policy": {"type": "object", "required": ["file", "sha256", "loaded", "artifact", "revision"]}
        }}
    }
  }
}
"""#
}
