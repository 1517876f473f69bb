#!/bin/sh
# Regenerates the Unit templates of `halo new unit --from tbill|mmf|clo-aaa` from the shipped
# example Units and policies (`make templates`). The starter fixtures and the blank template
# are written by hand; TemplateTests fails when the copies drift from their sources.
set -eu
cd "$(dirname "$0")/.."
for spec in tbill:tbill-a:TBILL-A mmf:mmf-a:MMF-A clo-aaa:clo-aaa-a:CLOAAA-A; do
  from=${spec%%:*}; rest=${spec#*:}; unit=${rest%%:*}; share=${rest#*:}
  mkdir -p "templates/units/$from/tests"
  cp "policies/$from.lua" "templates/units/$from/policy.lua"
  sed -e "1s/^# $unit:/# {{unit}}:/" \
      -e "s/^unit: $unit\$/unit: {{unit}}/" \
      -e "s/share: $share }/share: {{share}} }/" \
      -e 's/sha256: "[0-9a-f]*" }   # the file is/sha256: "{{template_sha256}}" }   # the file is/' \
      -e 's|^policy: .*|policy: { file: {{policy}} }   # pin it (sha256) once the policy is reviewed|' \
      -e '/read by policies\/tbill-v2.lua only/d' \
      "examples/passthrough-alpha/units/$from/unit.yaml" > "templates/units/$from/unit.yaml"
done
mkdir -p templates/units/common
cp policies/common/*.lua templates/units/common/
cp examples/passthrough-alpha/templates/lcts-unit.txt templates/lcts-unit.txt
