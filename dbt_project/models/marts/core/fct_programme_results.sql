{{ subject_facts('programmes') }}
