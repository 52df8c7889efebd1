#!/usr/bin/env bash
# post-comment.sh <pr-number> <body-file>
# Creates the review comment on a pull request, or updates the one posted before: it is found by
# the hidden marker its body starts with (lib/review/comment.ts REVIEW_MARKER), among comments by
# the workflow's bot, so a human quoting the marker is never edited. Needs GH_TOKEN and
# GITHUB_REPOSITORY (set in GitHub Actions) and the gh CLI.
set -euo pipefail
pr="${1:?usage: post-comment.sh <pr-number> <body-file>}"
body_file="${2:?usage: post-comment.sh <pr-number> <body-file>}"
repo="${GITHUB_REPOSITORY:?GITHUB_REPOSITORY is not set}"
marker='<!-- metricstream-review -->'
bot="${REVIEW_BOT_LOGIN:-github-actions[bot]}"

head -n1 "$body_file" | grep -qxF "$marker" || { echo "post-comment: $body_file does not start with $marker" >&2; exit 1; }

id="$(gh api --paginate "repos/$repo/issues/$pr/comments" \
  --jq ".[] | select(.user.login == \"$bot\" and (.body | startswith(\"$marker\"))) | .id" | head -n1)"
if [ -n "$id" ]; then
  gh api --method PATCH "repos/$repo/issues/comments/$id" -F "body=@$body_file" --jq .html_url
else
  gh api --method POST "repos/$repo/issues/$pr/comments" -F "body=@$body_file" --jq .html_url
fi
