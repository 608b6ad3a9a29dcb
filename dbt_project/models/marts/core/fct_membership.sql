{{ subject_facts('members') }}
