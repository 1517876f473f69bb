-- passthrough-alpha's Halo-level migration procedure (the Halo Artifact's
-- `procedures.migration`). It applies to any Unit whose own policy has no `migrate` hook;
-- the example Units reuse the same plan and only add notes about their own assets.

local migration = require "common.migration"

local procedure = {}

function procedure.migrate(ctx, reason)
  return migration.plan(ctx, reason)
end

return procedure
