-- A Prime policy that never returns: the instruction budget stops it on every call. Used by
-- ../policy-failure.yaml to show that a failing Prime changes nothing and the run goes on.
return {
  allocate = function(ctx)
    while true do end
  end,
}
