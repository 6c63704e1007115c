"""The citizen's own pages, no login: the public contact form (`/kontakt/`), the private case
status page (`/arende/<token>/`) and the service survey (`/enkat/<token>/`); plus the agent's page
for recording the survey grades a caller or visitor gives (`/kanaler/kontakter/<id>/enkat/`).

Writes go through `channels_app.web.services`, which calls `cases.services` as the channel
account (`channels_app.system.channel_user`).
"""
