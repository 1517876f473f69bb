return { settle = function(ctx) return ctx end }
